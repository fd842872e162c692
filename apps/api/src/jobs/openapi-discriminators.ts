import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { ValidationTypes } from 'class-validator';
import type { IOptions } from 'class-validator-jsonschema/build/options';

const REF_PREFIX = '#/components/schemas/';

/**
 * Options for class-validator-jsonschema so nested DTOs are documented by their class-transformer
 * @Type: a list of DTOs references the item class, and `kind`-discriminated unions (schedule, target)
 * become `oneOf` + `discriminator` instead of a reference to `Object`.
 */
export function nestedSchemaOptions(): Partial<IOptions> {
  return {
    classTransformerMetadataStorage: defaultMetadataStorage,
    additionalConverters: {
      [ValidationTypes.NESTED_VALIDATION]: (meta) => {
        if (typeof meta.target !== 'function') return {};
        const type = defaultMetadataStorage.findTypeMetadata(meta.target, meta.propertyName);
        if (!type) return { type: 'object' };
        const discriminator = type.options?.discriminator;
        const item = discriminator
          ? {
              oneOf: discriminator.subTypes.map((s) => ({ $ref: `${REF_PREFIX}${(s.value as { name: string }).name}` })),
              discriminator: {
                propertyName: discriminator.property,
                mapping: Object.fromEntries(discriminator.subTypes.map((s) => [s.name, `${REF_PREFIX}${(s.value as { name: string }).name}`])),
              },
            }
          : { $ref: `${REF_PREFIX}${(type.typeFunction() as { name: string }).name}` };
        // With `each`, class-validator-jsonschema wraps the result in `items` itself.
        return item;
      },
    },
  };
}
