// A vitest reporter that records how the run ended and how many unhandled errors it had, in
// `<outputFile.json>.run-end.json` beside vitest's JSON report: that report leaves unhandled
// errors out, and tools/run-tests.mjs counts them as failures.
import { writeFileSync } from 'node:fs';

export default class UnhandledErrorsReporter {
  onInit(vitest) {
    const outputFile = vitest.config.outputFile;
    const jsonFile = typeof outputFile === 'object' ? outputFile?.json : undefined;
    this.file = jsonFile ? `${jsonFile}.run-end.json` : undefined;
  }

  onTestRunEnd(_testModules, unhandledErrors, reason) {
    if (this.file)
      writeFileSync(this.file, JSON.stringify({ unhandledErrors: unhandledErrors.length, reason }));
  }
}
