import { ApiError, ManagementClient } from '../api.js';
import { el } from '../dom.js';
import { createNotice } from './notice.js';

/**
 * The sign-in form: the admin key, or the local admin token (`$SAGE_HOME/admin-token`). The
 * key is checked against `GET /v1/management/status` before it is kept; a refused key stays
 * on this form with the gateway's message.
 */
export function loginView(
  reason: string | null,
  onSignedIn: (client: ManagementClient) => void,
): HTMLElement {
  const notice = createNotice();
  const key = el('input', {
    id: 'admin-key',
    name: 'admin-key',
    type: 'password',
    required: true,
    autocomplete: 'current-password',
    'aria-describedby': 'admin-key-hint',
  });
  const submit = el('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = el(
    'form',
    { class: 'login', 'aria-labelledby': 'login-title' },
    el('h1', { id: 'login-title' }, 'sageLLM dashboard'),
    el('label', { for: 'admin-key' }, 'Admin key or local admin token'),
    key,
    el(
      'small',
      { id: 'admin-key-hint' },
      'On the gateway machine the local admin token is in $SAGE_HOME/admin-token (default ~/.sage/admin-token). It is kept in this tab only.',
    ),
    submit,
    notice.element,
  );
  if (reason) notice.error(reason);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    notice.clear();
    submit.disabled = true;
    const client = new ManagementClient(key.value.trim());
    try {
      await client.request('GET', '/v1/management/status');
      onSignedIn(client);
    } catch (error) {
      const message = error instanceof ApiError ? error.message : String(error);
      notice.error(`Refused: ${message}`);
      key.select();
    } finally {
      submit.disabled = false;
    }
  });
  return el('main', { class: 'login-page' }, form);
}
