import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths that may carry keys, tokens or personal data. They are removed, not masked,
 * so nothing about them reaches log storage.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'authorization',
  '*.secretKey',
  '*.publishableKey',
  '*.plaintext',
  '*.password',
  '*.email',
  '*.contactEmail',
  '*.contactName',
  '*.ip',
  '*.remoteAddress',
];

export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, remove: true },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
export type { Logger };
