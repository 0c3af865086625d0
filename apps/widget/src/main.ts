// The script-tag build (widget.js): configured by its own tag's data-* attributes, with the
// API at the origin the script came from, so vendors paste one snippet and nothing else.
import { defineAftaleSignup } from './define';

try {
  const script = document.currentScript as HTMLScriptElement | null;
  defineAftaleSignup({
    publishableKey: script?.dataset['publishableKey'],
    apiUrl: script?.dataset['apiUrl'] ?? (script?.src ? new URL(script.src).origin : undefined),
  });
} catch (e) {
  console.warn('<aftale-signup>', e);
}
