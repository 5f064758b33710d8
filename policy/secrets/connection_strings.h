// Credentials inside URLs and connection strings: a password in a URL's
// userinfo (postgres, mysql, mongodb and mongodb+srv, redis, amqp, smtp,
// SQLAlchemy's dialect+driver URLs, http, ftp, any scheme), in a JDBC URL's
// password parameter, in ADO.NET / ODBC / SQL Server `Password=` and `Pwd=`
// pairs, and Azure's storage `AccountKey=` and Service Bus
// `SharedAccessKey=`. A URL without a password, an empty password, a
// reference (`${DB_PASSWORD}`) or a placeholder is not one.
#pragma once

#include <string_view>
#include <vector>

#include "policy/secret_scan.h"

namespace corral::policy::secrets {

void find_connection_secrets(std::string_view line, std::vector<SecretHit>& hits);

}  // namespace corral::policy::secrets
