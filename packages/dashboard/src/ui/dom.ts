/** What {@link el} accepts as a child: text (always as text, never parsed as HTML) or a node. */
export type Child = Node | string | number | null | undefined | false;

type Handler = (event: Event) => void;
type Props = Record<string, string | number | boolean | Handler | null | undefined>;

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

function apply(element: Element, props: Props): void {
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(key.replace(/^on/, ''), value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
}

/**
 * Create an HTML element. Attributes go through `setAttribute`, children through text nodes:
 * nothing here parses markup, so engine output (logs, errors, model names) cannot inject HTML.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  apply(element, props);
  append(element, children);
  return element;
}

/** Create an SVG element (charts, bars). */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  apply(element, props);
  append(element, children);
  return element;
}

/** Replace every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Set an element's text (a no-op when unchanged, so screen readers are not told twice). */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
