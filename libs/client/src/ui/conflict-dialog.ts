import type { Conflict } from '../advice';

/**
 * Every text the dialog shows, for localisation. `{count}`, `{limit}`, `{message}`, `{device}`, `{channel}`,
 * `{application}`, `{started}` and `{stop}` are replaced where they appear.
 */
export interface ConflictDialogStrings {
  title: string;
  /** Under the title: `{message}` is the rule's message, `{count}` the streams listed, `{limit}` the rule's limit. */
  intro: string;
  device: string;
  channel: string;
  started: string;
  application: string;
  /** The visible text of each stream's button. */
  stop: string;
  /**
   * What a screen reader says for each stream's button. It must begin with the visible text (`{stop}`): speech
   * users say what they see (WCAG 2.5.3).
   */
  stopLabel: string;
  cancel: string;
  /** The list's name for screen readers. */
  list: string;
}

export const DEFAULT_CONFLICT_STRINGS: ConflictDialogStrings = {
  title: 'Too many streams',
  intro: '{message}. Your account is watching on {count} other screens. Stop one of them to watch here.',
  device: 'Device',
  channel: 'Channel',
  started: 'Started',
  application: 'App',
  stop: 'Stop this one and watch here',
  stopLabel: '{stop}: {device}, {channel}, started {started}',
  cancel: 'Cancel',
  list: 'Streams playing now',
};

/** What the dialog needs of a denial (`Denial` of `@cm/client/media`, or `start()`'s refused result). */
export interface ConflictChoice {
  conflicts: Conflict[];
  advice: Array<{ message: string; threshold: number }>;
}

export interface ConflictDialogOptions {
  strings?: Partial<ConflictDialogStrings>;
  /** BCP 47 locale for the start times (default the browser's). */
  locale?: string;
}

/** The `<cm-conflict-dialog>` element. */
export interface ConflictDialogElement extends HTMLElement {
  strings: Partial<ConflictDialogStrings>;
  locale: string | undefined;
  /** Shows the conflicts; resolves with the one the viewer chose to stop, or undefined when they cancel. */
  choose(denial: ConflictChoice): Promise<Conflict | undefined>;
}

export const CONFLICT_DIALOG_TAG = 'cm-conflict-dialog';

const STYLE = `
:host { all: initial; }
.backdrop { position: fixed; inset: 0; z-index: 2147483000; display: flex; align-items: center; justify-content: center;
  background: rgb(0 0 0 / 0.6); font: 16px/1.45 system-ui, sans-serif; color: #1f1f1f; }
[role=dialog] { box-sizing: border-box; width: min(34rem, calc(100vw - 1.5rem)); max-height: calc(100vh - 1.5rem); overflow: auto;
  background: #fff; border-radius: 12px; padding: 1.25rem; box-shadow: 0 12px 40px rgb(0 0 0 / 0.35); outline: none; }
h2 { margin: 0 0 0.5rem; font-size: 1.25rem; }
p { margin: 0 0 1rem; }
ul { list-style: none; margin: 0 0 1rem; padding: 0; display: grid; gap: 0.75rem; }
li { border: 1px solid #c7c7c7; border-radius: 8px; padding: 0.75rem; display: grid; gap: 0.5rem; }
dl { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 0.125rem 0.75rem; }
dt { color: #474747; }
dd { margin: 0; overflow-wrap: anywhere; }
button { font: inherit; min-height: 44px; padding: 0.5rem 1rem; border-radius: 8px; cursor: pointer; }
button:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.stop { background: #0b57d0; color: #fff; border: 1px solid #0b57d0; }
.cancel { background: #fff; color: #1f1f1f; border: 1px solid #747775; width: 100%; }
`;

const fill = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: Node[]) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/**
 * Defines `<cm-conflict-dialog>` (once; a no-op when it is defined): a modal dialog (`role="dialog"`,
 * `aria-modal`, labelled by its title and described by its intro) that lists the conflicting streams (device,
 * channel, start time) with a button each to stop it, and Cancel. Focus moves into it and is kept there (Tab and
 * Shift+Tab cycle), Escape cancels, and focus returns where it was when it closes.
 */
export function defineConflictDialog(): void {
  if (typeof customElements === 'undefined' || customElements.get(CONFLICT_DIALOG_TAG)) return;

  class CmConflictDialog extends HTMLElement implements ConflictDialogElement {
    strings: Partial<ConflictDialogStrings> = {};
    locale: string | undefined;
    private finish: ((choice: Conflict | undefined) => void) | undefined;
    private returnFocus: Element | null = null;

    choose(denial: ConflictChoice): Promise<Conflict | undefined> {
      this.finish?.(undefined);
      return new Promise((resolve) => {
        this.finish = (choice) => {
          this.finish = undefined;
          this.shadowRoot?.replaceChildren();
          this.hidden = true;
          if (this.returnFocus instanceof HTMLElement) this.returnFocus.focus();
          resolve(choice);
        };
        this.render(denial);
      });
    }

    private render(denial: ConflictChoice): void {
      const t = { ...DEFAULT_CONFLICT_STRINGS, ...this.strings };
      const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      const dates = new Intl.DateTimeFormat(this.locale, { dateStyle: 'medium', timeStyle: 'short' });
      const first = denial.advice[0];
      const intro = fill(t.intro, {
        message: (first?.message ?? '').replace(/\.$/, ''),
        count: denial.conflicts.length,
        limit: first?.threshold ?? denial.conflicts.length,
      });
      const items = denial.conflicts.map((conflict, index) => {
        const started = Number.isNaN(Date.parse(conflict.startedAt)) ? conflict.startedAt : dates.format(new Date(conflict.startedAt));
        const values = { device: conflict.deviceName, channel: conflict.channel, started, application: conflict.applicationName };
        const button = el('button', { type: 'button', className: 'stop', textContent: t.stop });
        button.setAttribute('aria-label', fill(t.stopLabel, { ...values, stop: t.stop }));
        button.dataset.index = String(index);
        button.addEventListener('click', () => this.finish?.(conflict));
        const row = (term: string, value: string) => [el('dt', { textContent: term }), el('dd', { textContent: value })];
        return el(
          'li',
          {},
          el(
            'dl',
            {},
            ...row(t.device, values.device),
            ...row(t.channel, values.channel),
            ...row(t.started, started),
            ...row(t.application, values.application),
          ),
          button,
        );
      });
      const cancel = el('button', { type: 'button', className: 'cancel', textContent: t.cancel });
      cancel.addEventListener('click', () => this.finish?.(undefined));
      const list = el('ul', {}, ...items);
      list.setAttribute('aria-label', t.list);
      const dialog = el(
        'div',
        { tabIndex: -1 },
        el('h2', { id: 'cm-conflict-title', textContent: t.title }),
        el('p', { id: 'cm-conflict-intro', textContent: intro }),
        list,
        cancel,
      );
      dialog.setAttribute('role', 'dialog');
      dialog.setAttribute('aria-modal', 'true');
      dialog.setAttribute('aria-labelledby', 'cm-conflict-title');
      dialog.setAttribute('aria-describedby', 'cm-conflict-intro');
      dialog.addEventListener('keydown', (event) => this.onKey(event, dialog));
      const backdrop = el('div', { className: 'backdrop' }, dialog);
      root.replaceChildren(el('style', { textContent: STYLE }), backdrop);
      this.hidden = false;
      this.returnFocus = document.activeElement;
      (dialog.querySelector('button') ?? dialog).focus();
    }

    private onKey(event: KeyboardEvent, dialog: HTMLElement): void {
      if (event.key === 'Escape') {
        event.preventDefault();
        this.finish?.(undefined);
        return;
      }
      if (event.key !== 'Tab') return;
      const buttons = [...dialog.querySelectorAll('button')];
      if (buttons.length === 0) return;
      const active = this.shadowRoot?.activeElement;
      const index = buttons.indexOf(active as HTMLButtonElement);
      const next = event.shiftKey ? (index <= 0 ? buttons.length - 1 : index - 1) : index === buttons.length - 1 ? 0 : index + 1;
      event.preventDefault();
      buttons[next].focus();
    }

    disconnectedCallback(): void {
      this.finish?.(undefined);
    }
  }

  customElements.define(CONFLICT_DIALOG_TAG, CmConflictDialog);
}

/**
 * An `onConflict` for `bindMedia` (and the player adapters): shows `<cm-conflict-dialog>` (added to `container`,
 * default `document.body`, and removed when closed) and resolves with the viewer's choice.
 *
 * ```ts
 * bindMedia(video, { client, idp, subject, onConflict: conflictDialog({ strings: { title: 'Trop d’écrans' }, locale: 'fr' }) });
 * ```
 */
export function conflictDialog(options: ConflictDialogOptions & { container?: HTMLElement } = {}) {
  return async (denial: ConflictChoice): Promise<Conflict | undefined> => {
    defineConflictDialog();
    const dialog = document.createElement(CONFLICT_DIALOG_TAG) as ConflictDialogElement;
    dialog.strings = options.strings ?? {};
    dialog.locale = options.locale;
    (options.container ?? document.body).append(dialog);
    try {
      return await dialog.choose(denial);
    } finally {
      dialog.remove();
    }
  };
}
