import packageJson from '../package.json' with { type: 'json' };

/** Version of `@sage/server` (the gateway), exported as `sage_build_info{version}`. */
export const SERVER_VERSION: string = packageJson.version;
