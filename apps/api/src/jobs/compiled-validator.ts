import { plainToInstance } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage, validate, ValidationArguments, ValidationTypes } from 'class-validator';
import { toFieldErrors } from '../common/validation';
import { ValidationFailedError } from '../common/problem';

type Check = (object: Record<string, unknown>, value: unknown) => boolean;
type Constructor = new () => object;

interface CompiledProperty {
  name: string;
  optional: Check[];
  checks: Check[];
  nested?: (value: unknown) => Constructor | undefined;
}

interface CompiledClass {
  properties: CompiledProperty[];
  known: Set<string>;
}

class NotCompilable extends Error {}

/**
 * class-transformer + class-validator cost ~0.15 ms per nested job: too slow for a bulk of 1,000.
 * This compiles the same decorator metadata into plain synchronous predicates (the very validator
 * functions class-validator would call, with whitelisting and discriminated nested types) that
 * answer only "valid or not". A valid body is used as is; an invalid one goes through the regular
 * class-transformer/class-validator path, so error messages stay exactly the global pipe's.
 */
export class CompiledValidator<T extends object> {
  private readonly classes = new Map<Constructor, CompiledClass>();
  private readonly compiled: boolean;

  constructor(private readonly root: new () => T) {
    try {
      this.compile(root as Constructor);
      this.compiled = true;
    } catch (error) {
      if (!(error instanceof NotCompilable)) throw error;
      this.compiled = false;
    }
  }

  /** The body (plain JSON, unchanged) when valid; throws ValidationFailedError with the pipe's field errors otherwise. */
  async validate(body: unknown): Promise<T> {
    if (this.compiled && this.isValid(body, this.root as Constructor)) return body as T;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ValidationFailedError([{ field: 'body', message: 'the body must be a JSON object' }]);
    }
    const instance = plainToInstance(this.root, body);
    const errors = await validate(instance as object, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
    if (errors.length > 0) throw new ValidationFailedError(toFieldErrors(errors));
    return instance;
  }

  private compile(target: Constructor): CompiledClass {
    const existing = this.classes.get(target);
    if (existing) return existing;
    const compiled: CompiledClass = { properties: [], known: new Set() };
    this.classes.set(target, compiled);
    const storage = getMetadataStorage();
    const metadatas = storage.getTargetValidationMetadatas(target, '', true, false);
    const byProperty = storage.groupByPropertyName(metadatas);
    for (const [name, list] of Object.entries(byProperty)) {
      compiled.known.add(name);
      if (defaultMetadataStorage.findTransformMetadatas(target, name, 1 /* PLAIN_TO_CLASS */).length > 0) throw new NotCompilable();
      const property: CompiledProperty = { name, optional: [], checks: [] };
      for (const metadata of list) {
        switch (metadata.type) {
          case ValidationTypes.WHITELIST:
            break;
          case ValidationTypes.CONDITIONAL_VALIDATION:
            property.optional.push(metadata.constraints[0] as Check);
            break;
          case ValidationTypes.IS_DEFINED:
            property.checks.push((_object, value) => value !== undefined && value !== null);
            break;
          case ValidationTypes.NESTED_VALIDATION: {
            const type = defaultMetadataStorage.findTypeMetadata(target, name);
            if (!type) throw new NotCompilable();
            const subTypes = type.options?.discriminator?.subTypes ?? [];
            const discriminator = type.options?.discriminator?.property;
            const fallback = type.typeFunction() as Constructor;
            for (const subType of subTypes) this.compile(subType.value as Constructor);
            this.compile(fallback);
            property.nested = (value) => {
              if (discriminator && typeof value === 'object' && value !== null) {
                const match = subTypes.find((s) => s.name === (value as Record<string, unknown>)[discriminator]);
                if (match) return match.value as Constructor;
              }
              return fallback;
            };
            break;
          }
          case ValidationTypes.CUSTOM_VALIDATION: {
            for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
              if (constraint.async || metadata.validateIf) throw new NotCompilable();
              const validator = constraint.instance;
              const each = metadata.each;
              const constraints = metadata.constraints;
              const args = (object: object, value: unknown): ValidationArguments => ({ targetName: target.name, property: name, object, value, constraints });
              property.checks.push((object, value) => {
                if (each && Array.isArray(value)) return value.every((item) => validator.validate(item, args(object, item)) === true);
                if (each && (value instanceof Set || value instanceof Map)) throw new NotCompilable();
                return validator.validate(value, args(object, value)) === true;
              });
            }
            break;
          }
          default:
            throw new NotCompilable();
        }
      }
      compiled.properties.push(property);
    }
    return compiled;
  }

  private isValid(value: unknown, target: Constructor): boolean {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const compiled = this.classes.get(target);
    if (!compiled) return false;
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) if (!compiled.known.has(key)) return false;
    try {
      for (const property of compiled.properties) {
        const propertyValue = object[property.name];
        if (!property.optional.every((condition) => condition(object, propertyValue))) continue;
        for (const check of property.checks) if (!check(object, propertyValue)) return false;
        if (property.nested) {
          const items = Array.isArray(propertyValue) ? propertyValue : [propertyValue];
          for (const item of items) {
            const type = property.nested(item);
            if (!type || !this.isValid(item, type)) return false;
          }
        }
      }
    } catch {
      return false;
    }
    return true;
  }
}
