import { ApiError, ManagementClient } from './api.js';
import { el, replaceChildren, setText } from './dom.js';
import { EngineStore } from './engine-store.js';
import { savedKey, saveKey } from './session.js';
import { enginesView } from './views/engines.js';
import { gpusView } from './views/gpus.js';
import { loginView } from './views/login.js';
import { logsView } from './views/logs.js';
import { presetsView } from './views/presets.js';
import { trafficView } from './views/traffic.js';

/** How often the page asks for what has no event stream (ms). */
const INTERVALS = { statsMs: 1000, gpusMs: 5000, reconnectMs: 1000 };

const VIEWS = [
  ['engines', 'Engines'],
  ['gpus', 'GPUs'],
  ['traffic', 'Traffic'],
  ['logs', 'Logs'],
  ['presets', 'Presets & models'],
] as const;
type ViewName = (typeof VIEWS)[number][0];

function route(): { view: ViewName; arg: string | null } {
  const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  const view = VIEWS.find(([id]) => id === name)?.[0] ?? 'engines';
  return { view, arg: rest.length > 0 ? decodeURIComponent(rest.join('/')) : null };
}

const root = document.getElementById('app') as HTMLElement;

function showLogin(reason: string | null): void {
  saveKey(null);
  replaceChildren(
    root,
    loginView(reason, (client) => {
      if (client.token) saveKey(client.token);
      showDashboard(client);
    }),
  );
  document.getElementById('admin-key')?.focus();
}

function showDashboard(client: ManagementClient): void {
  let current: { element: HTMLElement; dispose: () => void } | null = null;
  const store = new EngineStore(client, {
    retryMs: INTERVALS.reconnectMs,
    onAuthFailed: (error) => signOut(`Signed out: ${error.message}`),
  });
  const live = el('span', { class: 'live', role: 'status' });
  const nav = el('nav', { 'aria-label': 'Views' });
  const main = el('main', { id: 'main', tabindex: -1 });
  const signOut = (reason: string | null) => {
    window.removeEventListener('hashchange', render);
    current?.dispose();
    store.close();
    showLogin(reason);
  };
  const showLive = () =>
    setText(
      live,
      store.state === 'live' ? '● live' : store.state === 'connecting' ? 'connecting…' : 'reconnecting…',
    );

  function render(): void {
    const { view, arg } = route();
    current?.dispose();
    replaceChildren(
      nav,
      ...VIEWS.map(([id, label]) =>
        el('a', { href: `#${id}`, 'aria-current': id === view ? 'page' : null }, label),
      ),
    );
    const openLog = (engineId: string) => {
      location.hash = `#logs/${encodeURIComponent(engineId)}`;
    };
    current =
      view === 'gpus'
        ? gpusView(client, store, INTERVALS.gpusMs)
        : view === 'traffic'
          ? trafficView(client, INTERVALS.statsMs)
          : view === 'logs'
            ? logsView(client, store, arg, (engineId) =>
                history.replaceState(null, '', `#logs/${encodeURIComponent(engineId)}`),
              )
            : view === 'presets'
              ? presetsView(client, store)
              : enginesView(client, store, openLog);
    replaceChildren(main, current.element);
  }

  replaceChildren(
    root,
    el(
      'header',
      { class: 'top' },
      el('span', { class: 'brand' }, 'sageLLM'),
      nav,
      live,
      el('button', { type: 'button', class: 'secondary', onclick: () => signOut(null) }, 'Sign out'),
    ),
    main,
  );
  store.subscribe(showLive);
  showLive();
  window.addEventListener('hashchange', render);
  render();
  void store.run();
}

async function boot(): Promise<void> {
  const key = savedKey();
  const client = new ManagementClient(key);
  try {
    // Without a saved key this succeeds only where management needs none (security.local_token: false).
    await client.request('GET', '/v1/management/status');
    showDashboard(client);
  } catch (error) {
    const refused = error instanceof ApiError && (error.status === 401 || error.status === 403);
    showLogin(
      key && refused ? `Signed out: ${error.message}` : key ? String((error as Error).message) : null,
    );
  }
}

void boot();
