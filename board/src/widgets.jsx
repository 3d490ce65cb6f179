// Building blocks every page uses.
import { useState } from 'preact/hooks';

export function StatusBadge({ status }) {
  return <span class={`status status-${status || 'unknown'}`} data-status={status}>{status || 'unknown'}</span>;
}

export function Progress({ value }) {
  const v = Math.max(0, Math.min(100, value || 0));
  return (
    <span class="progress" title={`${v}%`} data-progress={v}>
      <span class="progress-bar" style={{ width: `${v}%` }} />
      <span class="progress-text">{v}%</span>
    </span>
  );
}

export function ErrorLine({ error }) {
  if (!error) return null;
  return <div class="error" role="alert">{error.message || String(error)}</div>;
}

export function Loading({ state }) {
  if (state.error && state.data === undefined) return <ErrorLine error={state.error} />;
  if (state.data === undefined) return <div class="muted">loading…</div>;
  return state.error ? <ErrorLine error={state.error} /> : null;
}

export function Tabs({ tabs, active, onSelect }) {
  return (
    <div class="tabs" role="tablist">
      {tabs.map((t) => (
        <button type="button" role="tab" class={t === active ? 'tab active' : 'tab'} aria-selected={t === active}
          data-tab={t} onClick={() => onSelect(t)}>{t}</button>
      ))}
    </div>
  );
}

/// A table of rows (arrays of cells); `header` names the columns.
export function Table({ header, rows, className }) {
  return (
    <table class={className || 'grid'}>
      <thead><tr>{header.map((h) => <th>{h}</th>)}</tr></thead>
      <tbody>{rows.map((r) => <tr>{r.map((c) => <td>{c}</td>)}</tr>)}</tbody>
    </table>
  );
}

/// An action that asks first: the button opens a dialog naming what will happen.
export function ConfirmButton({ label, question, onConfirm, disabled, children, name }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      setOpen(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span>
      <button type="button" class="action" data-action={name} disabled={disabled} onClick={() => setOpen(true)}>{label}</button>
      {open && (
        <div class="dialog-backdrop">
          <div class="dialog" role="dialog" aria-modal="true" data-dialog={name}>
            <p>{question}</p>
            {children}
            <ErrorLine error={error} />
            <div class="dialog-buttons">
              <button type="button" data-confirm="no" onClick={() => setOpen(false)} disabled={busy}>Cancel</button>
              <button type="button" class="danger" data-confirm="yes" onClick={confirm} disabled={busy}>{label}</button>
            </div>
          </div>
        </div>
      )}
    </span>
  );
}
