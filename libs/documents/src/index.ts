export * from './lib/model';
export * from './lib/placeholders';
export * from './lib/custom-fields';
export * from './lib/values';
export * from './lib/import-types';
export * from './lib/import-document';
export * from './lib/input';
export { parseAnnexHeading, parseClauseHeading } from './lib/structure';
export { extractSubprocessors } from './lib/subprocessor-table';
export { findBlanks } from './lib/blanks';
export { listRequiredValues, scanBlanks, scanPlaceholders } from './lib/scan';
export { canonicalJson, hashDocument, sha256Hex } from './lib/hash';
export { LruCache } from './lib/lru';
export {
  COMPILED_CACHE_SIZE,
  DOCUMENT_CSS,
  clearRenderCache,
  escapeHtml,
  renderDocument,
  renderText,
  wrapDocumentHtml,
  type RenderOptions,
} from './lib/render';
export * from './lib/publish';
export * from './lib/demo-documents';
