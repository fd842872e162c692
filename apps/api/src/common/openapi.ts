import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { nestedSchemaOptions } from '../jobs/openapi-discriminators';

/**
 * OpenAPI at /api/docs. DTOs live in libs/contracts without Nest decorators, so their
 * schemas come from their class-validator rules; route decorators reference them by name.
 */
export function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('ZER08 API')
    .setDescription(
      'Distributed job scheduler. Authenticate with `POST /api/v1/auth/login`, then send `Authorization: Bearer <accessToken>`. ' +
        'Errors are RFC 9457 `application/problem+json` with field-level `errors`. Lists answer `{items, total, page, pageSize}` (offset pagination).',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const validatorSchemas = validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    ...nestedSchemaOptions(),
  });
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...(validatorSchemas as Record<string, object>) },
  };
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
}
