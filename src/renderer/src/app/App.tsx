import { Route, Router, Switch, Link, useLocation } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { useCurrentUser, useOperation } from '../api/queries';
import { Welcome } from '../screens/Welcome';
import { Dashboard } from '../screens/Dashboard';
import { IntakeScreen } from '../intake/IntakeScreen';
import { HistoryScreen } from '../screens/HistoryScreen';
import { SettingsScreen } from '../screens/SettingsScreen';
import { StatusBar } from '../components/StatusBar';
import { useHotkeys } from '../hooks/useHotkeys';
import { ErrorNotice } from '../components/ErrorNotice';
import { useEffect, useState } from 'react';
import { CommandPalette } from '../components/CommandPalette';
import { ToastProvider } from '../components/Toasts';
import { focusWhenShown } from '../hooks/focusWhenShown';
import { fieldId } from '../intake/FieldInput';
import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api/ApiContext';
import { FileDrop } from '../components/FileDrop';
import { SavedFileNotice } from '../components/SavedFileNotice';
import { useMenuCommands } from '../hooks/useMenuCommands';

// Hash routes work the same from file:// in Electron and from the preview's server.
export function App() {
  const user = useCurrentUser();
  if (user.isPending)
    return (
      <div className="splash" role="status">
        Opening Fieldbook…
      </div>
    );
  if (user.isError) return <ErrorNotice error={user.error} />;
  return (
    <Router hook={useHashLocation}>
      {user.data ? (
        <ToastProvider>
          <Shell />
        </ToastProvider>
      ) : (
        <Welcome />
      )}
    </Router>
  );
}

// "mod" in the hotkeys is Cmd on macOS: the hint says what to press there.
const IS_MAC = /Mac|iPhone|iPad/.test(navigator.userAgent);

function Shell() {
  const [, navigate] = useLocation();
  const api = useApi();
  const client = useQueryClient();
  // Sync or a restore changed data under the screens: refetch what they show.
  useEffect(() => api.on('consultations.changed', () => void client.invalidateQueries()), [api, client]);
  const create = useOperation('consultations.create');
  const newConsultation = async () => {
    const detail = await create.mutateAsync(undefined);
    navigate(`/c/${detail.consultation.id}/contact`);
    // A new intake starts where typing starts: the first field.
    focusWhenShown(fieldId('contact_info.business_name'));
  };
  const [palette, setPalette] = useState(false);
  const openPalette = () => setPalette(true);
  // In the desktop app the menu owns Ctrl/Cmd+N (its accelerator), so one press makes one consultation.
  useHotkeys(
    api.transportKind === 'ipc'
      ? { 'mod+k': openPalette, '/': openPalette }
      : { 'mod+n': () => void newConsultation(), 'mod+k': openPalette, '/': openPalette },
  );
  const menu = useMenuCommands(() => void newConsultation());

  return (
    <div className="shell">
      <header className="topbar">
        <Link href="/" className="brand" aria-label="Fieldbook home">
          Fieldbook
        </Link>
        <nav aria-label="Main">
          <Link href="/">Consultations</Link>
          <Link href="/settings">Settings</Link>
        </nav>
        <button type="button" className="palette-button" onClick={() => setPalette(true)} aria-keyshortcuts="Control+K /">
          Search or jump to… <kbd>{IS_MAC ? '⌘K' : 'Ctrl K'}</kbd>
        </button>
        <button type="button" className="primary" onClick={() => void newConsultation()} disabled={create.isPending} aria-keyshortcuts="Control+N">
          {create.isPending ? 'Creating…' : 'New consultation'}
        </button>
      </header>
      <main className="content">
        {create.isError && <ErrorNotice error={create.error} />}
        {menu.problem && <ErrorNotice error={new Error(menu.problem)} />}
        <SavedFileNotice />
        <FileDrop />
        <Switch>
          <Route path="/">{() => <Dashboard onNew={() => void newConsultation()} />}</Route>
          <Route path="/settings" component={SettingsScreen} />
          <Route path="/c/:id/history">{(params) => <HistoryScreen consultationId={params.id} />}</Route>
          <Route path="/c/:id/:step?">{(params) => <IntakeScreen key={params.id} consultationId={params.id} step={params.step} />}</Route>
          <Route>
            <p>
              That page does not exist. <Link href="/">Back to consultations</Link>
            </p>
          </Route>
        </Switch>
      </main>
      <StatusBar />
      {palette && <CommandPalette onClose={() => setPalette(false)} onNew={() => void newConsultation()} />}
    </div>
  );
}
