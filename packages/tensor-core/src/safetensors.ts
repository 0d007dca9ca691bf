// safetensors encode/decode.
export {};
