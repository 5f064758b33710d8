// The daemon's API from the page: same-origin requests carrying the session
// cookie, and the session's CSRF token on every request that changes
// something (the server refuses those without it).

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Session {
  name: string;
  role: string;
  repo_scope: string;
  csrf: string;
  expires_at: string;
}

let csrf = "";

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrf;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(response.status, data?.error?.code ?? "", data?.error?.message ?? response.statusText);
  }
  return data as T;
}

export async function signIn(token: string): Promise<Session> {
  const session = await api<Session>("POST", "/v1/session", { token });
  csrf = session.csrf;
  return session;
}

export async function currentSession(): Promise<Session | null> {
  try {
    const session = await api<Session>("GET", "/v1/session");
    csrf = session.csrf;
    return session;
  } catch {
    return null;
  }
}

export async function signOut(): Promise<void> {
  await api("DELETE", "/v1/session");
  csrf = "";
}

// Events from /v1/events?follow=1&<query> as they are stored (the session
// cookie rides along); returns a function that closes the stream. onOpen runs
// each time the stream (re)opens: with after=latest, what a page reads then
// misses nothing the stream will not bring.
export function follow(query: string, onEvent: (event: any) => void, onOpen?: () => void): () => void {
  // typed=0: each event a plain message, so none is missed for want of a listener by its type.
  const source = new EventSource(`/v1/events?follow=1&typed=0&${query}`);
  source.onmessage = (message: MessageEvent) => onEvent(JSON.parse(message.data));
  if (onOpen) source.onopen = onOpen;
  return () => source.close();
}
