// A vitest reporter that records how the run ended, how many unhandled errors it had and which
// tests passed only on a retry, in `<outputFile.json>.run-end.json` beside vitest's JSON report:
// that report leaves unhandled errors and retries out. tools/run-tests.mjs counts the errors as
// failures and names the retried tests in its closing line (a retry hides nothing).
import { writeFileSync } from 'node:fs';

export default class UnhandledErrorsReporter {
  onInit(vitest) {
    const outputFile = vitest.config.outputFile;
    const jsonFile = typeof outputFile === 'object' ? outputFile?.json : undefined;
    this.file = jsonFile ? `${jsonFile}.run-end.json` : undefined;
    this.root = vitest.config.root;
    this.passedOnRetry = [];
  }

  onTestCaseResult(testCase) {
    const retries = testCase.diagnostic()?.retryCount ?? 0;
    if (retries > 0 && testCase.result().state === 'passed') {
      const file = testCase.module.moduleId;
      const relativeFile =
        this.root && file.startsWith(`${this.root}/`) ? file.slice(this.root.length + 1) : file;
      this.passedOnRetry.push({ file: relativeFile, name: testCase.fullName, retries });
    }
  }

  onTestRunEnd(_testModules, unhandledErrors, reason) {
    if (this.file)
      writeFileSync(
        this.file,
        JSON.stringify({
          unhandledErrors: unhandledErrors.length,
          reason,
          passedOnRetry: this.passedOnRetry,
        }),
      );
  }
}
