/** Absolute path of the fake engine script (`node <path> --port N …`). */
export declare const fakeEnginePath: string;
