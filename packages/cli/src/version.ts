import packageJson from '../package.json' with { type: 'json' };

/** Version of `@sage/cli`. */
export const CLI_VERSION: string = packageJson.version;
