// The ES module build (widget.mjs), for vendors who bundle: import, then call
// defineAftaleSignup({ publishableKey, apiUrl }). Loaded straight from our URL, the API
// defaults to that origin (the build defines __AFTALE_MODULE_URL__ as import.meta.url).
import { defineAftaleSignup as define, type AftaleSignupOptions } from './define';

declare const __AFTALE_MODULE_URL__: string | undefined;

export { AftaleSignup, WIDGET_VERSION } from './element';
export type { AftaleSignupOptions };

function moduleOrigin(): string | undefined {
  try {
    const url = new URL(typeof __AFTALE_MODULE_URL__ === 'string' ? __AFTALE_MODULE_URL__ : '');
    return /^https?:$/.test(url.protocol) ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Registers <aftale-signup>; pass apiUrl when the module is bundled into your own code. */
export function defineAftaleSignup(options: AftaleSignupOptions = {}): void {
  define({ ...options, apiUrl: options.apiUrl ?? moduleOrigin() });
}
