export function greet(mode) {
  return `hello from slipway (${mode})`;
}
