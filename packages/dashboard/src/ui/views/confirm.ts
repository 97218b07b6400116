import { type Child, el } from '../dom.js';

/**
 * Ask before a destructive action, in a modal `<dialog>`: resolves true on the confirm button,
 * false on Cancel or Escape. `body` may show what will happen (a preset's plan).
 */
export function confirmAction(options: {
  title: string;
  body: Child;
  confirmLabel: string;
  danger?: boolean;
}): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = `confirm-title-${Math.random().toString(36).slice(2)}`;
    const dialog = el('dialog', { class: 'confirm', 'aria-labelledby': titleId });
    const finish = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.append(
      el('h2', { id: titleId }, options.title),
      el('div', { class: 'confirm-body' }, options.body),
      el(
        'div',
        { class: 'confirm-actions' },
        el('button', { type: 'button', class: 'secondary', onclick: () => finish(false) }, 'Cancel'),
        el(
          'button',
          { type: 'button', class: options.danger ? 'danger' : 'primary', onclick: () => finish(true) },
          options.confirmLabel,
        ),
      ),
    );
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(false);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
