// Jest transformer for Vue single-file components: @vue/compiler-sfc compiles the SFC (script
// setup with the template inlined, TypeScript kept), SWC then strips types and emits CommonJS.
// Styles are irrelevant to behaviour and dropped.
const { createHash } = require('node:crypto');
const { compileScript, compileTemplate, parse } = require('@vue/compiler-sfc');
const { transformSync } = require('@swc/core');

function toCommonJs(code, filename) {
  return transformSync(code, {
    filename: `${filename}.ts`,
    sourceMaps: 'inline',
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  }).code;
}

module.exports = {
  process(source, filename) {
    const { descriptor, errors } = parse(source, { filename });
    if (errors.length > 0) throw errors[0];
    const id = createHash('sha256').update(filename).digest('hex').slice(0, 8);
    let code;
    if (descriptor.script || descriptor.scriptSetup) {
      code = compileScript(descriptor, { id, inlineTemplate: true }).content;
    } else {
      const template = compileTemplate({ source: descriptor.template?.content ?? '', filename, id });
      code = `${template.code}\nexport default { render };`;
    }
    return { code: toCommonJs(code, filename) };
  },
  getCacheKey(source, filename) {
    return createHash('sha256').update(source).update(filename).update('vue-transform-1').digest('hex');
  },
};
