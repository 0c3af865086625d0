export type Child = Node | string | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/**
 * Builds an element. Text always goes in as text nodes, never as HTML, so customer and vendor
 * strings cannot inject markup. `on…` attributes become listeners.
 */
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value != null && value !== false) {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

// Forms and media too: a document is for reading, and the widget makes no third-party requests.
const DROP =
  'script,style,link,meta,base,iframe,frame,object,embed,form,input,button,textarea,select,img,picture,video,audio,source,svg';

/**
 * The server-rendered document, made inert for the shadow root: parsed without running
 * anything, active elements, handlers and script URLs removed, headings moved below the
 * widget's own (h1 becomes h4, under the document's h3 title) so the page's outline stays sane.
 */
export function documentFragment(html: string): DocumentFragment {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  doc.body.querySelectorAll(DROP).forEach((el) => el.remove());
  doc.body.querySelectorAll('*').forEach((el) => {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (
        name.startsWith('on') ||
        name === 'style' ||
        name === 'id' ||
        (name === 'href' && !/^(https?:|mailto:)/i.test(attr.value.trim()))
      ) {
        el.removeAttribute(attr.name);
      }
    }
    if (el.hasAttribute('href')) {
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer');
    }
    const level = /^H([1-6])$/.exec(el.tagName);
    if (level) {
      const heading = doc.createElement(`h${Math.min(6, Number(level[1]) + 3)}`);
      heading.append(...Array.from(el.childNodes));
      el.replaceWith(heading);
    }
  });
  const fragment = document.createDocumentFragment();
  fragment.append(...Array.from(doc.body.childNodes, (n) => document.adoptNode(n)));
  return fragment;
}
