// Shared by the examples: run `main`, print a SageApiError's status, code and request id,
// and exit non-zero on any error (so CI notices).
import { SageApiError, SageError } from '@sage/llm-core';

export async function runExample(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (SageApiError.isInstance(error)) {
      console.error(
        `API error ${error.status} ${error.code ?? ''} (request ${error.requestId}): ${error.message}`,
      );
    } else if (SageError.isInstance(error) || error instanceof TypeError) {
      console.error(`${error.name}: ${error.message}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  }
}
