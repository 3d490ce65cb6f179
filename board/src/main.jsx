// The board's shell: navigation, the credentials form when the server wants a signature, and the
// page the hash route names (#/jobs, #/job/<id>, #/party).
import { render } from 'preact';
import { useEffect, useErrorBoundary, useState } from 'preact/hooks';
import { credentials, get, setCredentials } from './api.js';
import { usePolled, useRoute } from './hooks.js';
import { JobPage } from './job.jsx';
import { JobsPage } from './jobs.jsx';
import { PartyPage } from './party.jsx';
import { Loading } from './widgets.jsx';
import './style.css';

function Login({ onDone, refused }) {
  const [appId, setAppId] = useState('');
  const [secret, setSecret] = useState('');
  return (
    <section class="page login">
      <h1>Sign in</h1>
      <p>This server has client authentication on: give an app id and secret from its
        <code> security.client_apps</code>. The secret stays in this tab and signs every call, as the CLI does.</p>
      {refused && <div class="error" role="alert">The server refused these credentials: {refused}</div>}
      <form onSubmit={(e) => { e.preventDefault(); setCredentials(appId, secret); onDone(); }}>
        <label>App id <input name="app_id" value={appId} onInput={(e) => setAppId(e.target.value)} autocomplete="username" /></label>
        <label>App secret <input name="app_secret" type="password" value={secret} onInput={(e) => setSecret(e.target.value)}
          autocomplete="current-password" /></label>
        <button type="submit" name="sign-in">Sign in</button>
      </form>
    </section>
  );
}

/// A page that fails to render says so (with the reason) instead of freezing on its last state.
function PageBoundary({ children }) {
  const [error, reset] = useErrorBoundary();
  if (error) {
    return (
      <section class="page">
        <div class="error" role="alert">This page failed to render: {String(error.message || error)}</div>
        <button type="button" onClick={reset}>Try again</button>
      </section>
    );
  }
  return children;
}

function App() {
  const route = useRoute();
  const [needsLogin, setNeedsLogin] = useState(false);
  const [refused, setRefused] = useState(null);
  const [session, setSession] = useState(0);
  const version = usePolled(() => get('/v2/server/version'), [session], 0);
  useEffect(() => {
    const ask = (e) => {
      // With credentials given, a 401 means the server refused them: say why on the form.
      setRefused(credentials() ? e.detail : null);
      setNeedsLogin(true);
    };
    window.addEventListener('fedflow-auth', ask);
    return () => window.removeEventListener('fedflow-auth', ask);
  }, []);
  const signedIn = credentials();
  // Pages render once the server answered (signed when credentials are given), so no page fires
  // calls that are refused for want of a signature.
  const refusedNow = version.error && version.error.needsCredentials;
  let page;
  if (needsLogin || refusedNow) {
    page = <Login refused={refused || (refusedNow && signedIn ? version.error.message : null)} onDone={() => { setNeedsLogin(false); setSession(session + 1); }} />;
  } else if (version.data === undefined) {
    page = <section class="page connecting"><Loading state={version} /></section>;
  } else if (route.parts[0] === 'job' && route.parts[1]) {
    page = <JobPage key={`${route.parts[1]}-${session}`} jobId={route.parts[1]} query={route.query} />;
  } else if (route.parts[0] === 'party') {
    page = <PartyPage key={session} />;
  } else {
    page = <JobsPage key={session} query={route.query} />;
  }
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="#/jobs">fedflow</a>
        <nav>
          <a href="#/jobs" class={route.parts[0] === 'jobs' || !route.parts[0] ? 'active' : ''}>Jobs</a>
          <a href="#/party" class={route.parts[0] === 'party' ? 'active' : ''}>Party</a>
        </nav>
        <span class="party-id" data-party={version.data ? version.data.party_id : ''}>
          {version.data ? `party ${version.data.party_id} · fedflow ${version.data.fedflow}` : ''}
        </span>
        {signedIn && (
          <button type="button" class="link" name="sign-out"
            onClick={() => { setCredentials(null); setRefused(null); setNeedsLogin(true); }}>sign out {signedIn.appId}</button>
        )}
      </header>
      <main><PageBoundary key={location.hash}>{page}</PageBoundary></main>
    </div>
  );
}

render(<App />, document.getElementById('app'));
