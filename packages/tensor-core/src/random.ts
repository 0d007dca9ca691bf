// Seeded random tensors.
export {};
