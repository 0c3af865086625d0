import { Command } from 'commander';
import { reportError } from './output';
import { registerTenantCommands } from './commands/tenant';
import { registerKeyCommands } from './commands/key';
import { registerDbAndDemoCommands } from './commands/db-and-demo';
import { registerStartCommand } from './commands/start';
import { registerPlanCommands } from './commands/plan';
import { registerDocumentCommands } from './commands/document';
import { registerProofCommands } from './commands/proof';
import { registerAcceptanceCommands } from './commands/acceptance';
import { PdfRenderer, pdfRenderFn } from '@aftale/server';

/** Runs one command, turning typed errors into a clear message and exit code. */
async function run(json: boolean, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    process.exitCode = reportError(error, json);
  }
}

const program = new Command()
  .name('aftale')
  .description(
    'Aftale: click-through DPAs for SaaS sign-up. Uses the same configuration (environment) as the server.',
  )
  .showHelpAfterError();

registerStartCommand(program);
registerTenantCommands(program, run);
registerKeyCommands(program, run);
registerDbAndDemoCommands(program, run);
registerPlanCommands(program, run);
const pdfRenderer = async () => {
  const renderer = new PdfRenderer({ concurrency: 1 });
  return { render: pdfRenderFn(renderer), close: () => renderer.close() };
};
registerDocumentCommands(program, run, pdfRenderer);
registerProofCommands(program, run, pdfRenderer);
registerAcceptanceCommands(program, run);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.exitCode = reportError(error, false);
});
