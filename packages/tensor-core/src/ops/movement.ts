// Op front-ends: movement.
export {};
