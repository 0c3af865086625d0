// The parts of the library that are pure and browser-safe (no mammoth, no Node APIs): the
// model, placeholders, rendering and hashing, for the widget's live preview. Note that
// '@aftale/domain' (for AftaleError and checkCvr) must itself stay browser-safe.
export * from './lib/model';
export * from './lib/placeholders';
export * from './lib/custom-fields';
export * from './lib/values';
export { listRequiredValues, scanBlanks, scanPlaceholders } from './lib/scan';
export { canonicalJson, hashDocument, sha256Hex } from './lib/hash';
export {
  DOCUMENT_CSS,
  escapeHtml,
  renderDocument,
  renderText,
  wrapDocumentHtml,
  type RenderOptions,
} from './lib/render';
