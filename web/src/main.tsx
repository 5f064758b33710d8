// The web UI: sign in with an API token, then the queue, a task's timeline
// and the reviews waiting for you. Everything an agent produced is shown as
// text (Preact escapes it; diff2html escapes the diff's lines).
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { LocationProvider, Route, Router } from "preact-iso";
import "diff2html/bundles/css/diff2html.min.css";
import "./app.css";
import { currentSession, Session, signOut } from "./api";
import { SignIn } from "./pages/SignIn";
import { Queue } from "./pages/Queue";
import { TaskPage } from "./pages/Task";
import { ReviewList, ReviewPage } from "./pages/Review";
import { RepositoryList, RepositoryPage } from "./pages/Repository";
import { AuditPage } from "./pages/Audit";

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  useEffect(() => {
    currentSession().then(setSession);
  }, []);
  if (session === undefined) return <p class="loading">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={setSession} />;
  return (
    <LocationProvider>
      <header>
        <strong>corral</strong>
        <nav>
          <a href="/">Queue</a>
          <a href="/reviews">Reviews</a>
          <a href="/repos">Repositories</a>
          <a href="/audit">Audit</a>
        </nav>
        <span class="who" data-testid="who">
          {session.name} ({session.role})
        </span>
        <button onClick={() => signOut().then(() => setSession(null))}>Sign out</button>
      </header>
      <main>
        <Router>
          <Route path="/" component={() => <Queue session={session} />} />
          <Route path="/tasks/:id" component={({ id }: { id: string }) => <TaskPage id={id} />} />
          <Route path="/reviews" component={() => <ReviewList />} />
          <Route path="/reviews/:id" component={({ id }: { id: string }) => <ReviewPage id={id} session={session} />} />
          <Route path="/repos" component={() => <RepositoryList />} />
          <Route path="/repos/:id" component={({ id }: { id: string }) => <RepositoryPage id={id} session={session} />} />
          <Route path="/audit" component={() => <AuditPage />} />
          <Route default component={() => <p>No such page.</p>} />
        </Router>
      </main>
    </LocationProvider>
  );
}

render(<App />, document.getElementById("app")!);
