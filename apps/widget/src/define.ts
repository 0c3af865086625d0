import { AftaleSignup, defaults } from './element';

export interface AftaleSignupOptions {
  /** pk_… ; an element's own `publishable-key` attribute wins. */
  publishableKey?: string;
  /** Where the Aftale API lives, e.g. https://app.aftale.dk; `api-url` attribute wins. */
  apiUrl?: string;
}

/** Registers <aftale-signup> once; safe to call again (e.g. the script included twice). */
export function defineAftaleSignup(options: AftaleSignupOptions = {}): void {
  try {
    if (options.publishableKey) defaults.publishableKey = options.publishableKey;
    if (options.apiUrl) defaults.apiUrl = options.apiUrl;
    if (typeof customElements !== 'undefined' && !customElements.get('aftale-signup')) {
      customElements.define('aftale-signup', AftaleSignup);
    }
  } catch (e) {
    console.warn('<aftale-signup>', e); // never into the host page
  }
}
