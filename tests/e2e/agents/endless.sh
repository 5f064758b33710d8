#!/bin/sh
# Hostile: never finish. The timeout must end it.
while true; do :; done
