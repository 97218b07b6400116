import { el, replaceChildren } from '../dom.js';

/** A live region for the result of an action: errors as `role="alert"`, successes as status. */
export function createNotice(): {
  element: HTMLElement;
  error: (message: string) => void;
  ok: (message: string) => void;
  clear: () => void;
} {
  const element = el('div', { class: 'notice', 'aria-live': 'polite' });
  return {
    element,
    error: (message) => replaceChildren(element, el('p', { class: 'error', role: 'alert' }, message)),
    ok: (message) => replaceChildren(element, el('p', { class: 'ok', role: 'status' }, message)),
    clear: () => replaceChildren(element),
  };
}
