import { useState } from "preact/hooks";
import { ApiError, Session, signIn } from "../api";

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState("");
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      onSignedIn(await signIn(token.trim()));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  };
  return (
    <form class="sign-in" onSubmit={submit}>
      <h1>corral</h1>
      <label>
        API token
        <input
          name="token"
          type="password"
          autocomplete="off"
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit">Sign in</button>
      {error && <p class="error" role="alert">{error}</p>}
      <p class="hint">An admin makes tokens with <code>corral token create NAME --role ROLE</code>.</p>
    </form>
  );
}
