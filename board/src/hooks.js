// Data that follows the server: fetched now and again every `intervalMs` while the tab is visible.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';

/// `load` returns a promise; `intervalMs` 0 loads once. Reloads when `deps` change. The last good
/// data stays shown while a refresh fails (its error is shown beside it).
export function usePolled(load, deps, intervalMs) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const generation = useRef(0);
  const refresh = useCallback(() => {
    const mine = ++generation.current;
    return load().then(
      (data) => mine === generation.current && setState({ data, error: null, loading: false }),
      (error) => {
        if (mine !== generation.current) return;
        if (error instanceof ApiError && error.needsCredentials) window.dispatchEvent(new CustomEvent('fedflow-auth', { detail: error.message }));
        setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
  }, deps);
  useEffect(() => {
    setState((s) => ({ ...s, error: null, loading: true }));
    refresh();
    if (!intervalMs) return () => { generation.current++; };
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') refresh();
    }, intervalMs);
    return () => {
      clearInterval(timer);
      generation.current++;
    };
  }, [refresh, intervalMs]);
  return { ...state, refresh };
}

/// The hash route: "#/job/<id>?task=x" -> { parts: ['job', '<id>'], query: {task: 'x'} }.
export function useRoute() {
  const parse = () => {
    const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
    const [path, search] = hash.split('?');
    const query = Object.fromEntries(new URLSearchParams(search || ''));
    return { parts: path ? path.split('/') : [], query };
  };
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const changed = () => setRoute(parse());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function go(path, query) {
  const search = new URLSearchParams(Object.entries(query || {}).filter(([, v]) => v !== undefined && v !== '')).toString();
  location.hash = `#/${path}${search ? `?${search}` : ''}`;
}
