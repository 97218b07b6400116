/** Absolute path of the fake engine script (`node <path> --port N …`). */
export declare const fakeEnginePath: string;

/** The fake engine as custom backend options; per-engine failure flags go in `extraArgs`. */
export declare const fakeEngineBackendOptions: Readonly<{ name: 'fake'; command: readonly string[] }>;
