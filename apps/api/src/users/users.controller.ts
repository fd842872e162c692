import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto, UserDto, UserPageDto } from '@zer08/contracts';
import { Roles } from '../auth/auth-user';
import { UuidParam } from '../common/uuid-param.pipe';
import { UsersService } from './users.service';

const PROBLEM = { 'application/problem+json': { schema: { type: 'object' } } };

@ApiTags('users')
@ApiBearerAuth('bearer')
@ApiResponse({ status: 401, description: 'Missing, invalid, expired or revoked access token.', content: PROBLEM })
@ApiResponse({ status: 403, description: 'Not an administrator.', content: PROBLEM })
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a user' })
  @ApiBody({
    type: CreateUserDto,
    examples: { operator: { value: { email: 'ops@example.com', password: 'a long passphrase', role: 'user' } } },
  })
  @ApiCreatedResponse({ schema: { $ref: getSchemaPath('UserDto') } })
  @ApiResponse({ status: 400, description: 'Invalid body; `errors` names the field.', content: PROBLEM })
  @ApiResponse({
    status: 409,
    description: '`email_taken` (emails are compared case-insensitively).',
    content: PROBLEM,
  })
  create(@Body() body: CreateUserDto): Promise<UserDto> {
    return this.users.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List users (offset pagination, oldest first)' })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1, default: 1 } })
  @ApiQuery({ name: 'pageSize', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } })
  @ApiQuery({
    name: 'q',
    required: false,
    description: 'Part of the email, case-insensitive.',
    schema: { type: 'string' },
  })
  @ApiOkResponse({ schema: { $ref: getSchemaPath('UserPageDto') } })
  list(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    return this.users.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user' })
  @ApiParam({
    name: 'id',
    schema: { type: 'string', format: 'uuid' },
    description: 'A malformed UUID answers 400 naming `id`.',
  })
  @ApiOkResponse({ schema: { $ref: getSchemaPath('UserDto') } })
  @ApiResponse({ status: 404, description: 'No such user.', content: PROBLEM })
  get(@UuidParam() id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change role or disable/enable a user',
    description:
      'Disabling ends every session of the user at once. Leaving no active administrator answers 409 `last_admin`.',
  })
  @ApiParam({
    name: 'id',
    schema: { type: 'string', format: 'uuid' },
    description: 'A malformed UUID answers 400 naming `id`.',
  })
  @ApiBody({ type: UpdateUserDto })
  @ApiOkResponse({ schema: { $ref: getSchemaPath('UserDto') } })
  @ApiResponse({ status: 404, description: 'No such user.', content: PROBLEM })
  @ApiResponse({ status: 409, description: '`last_admin`.', content: PROBLEM })
  update(@UuidParam() id: string, @Body() body: UpdateUserDto): Promise<UserDto> {
    return this.users.update(id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a user and, with them, their jobs and execution history' })
  @ApiParam({
    name: 'id',
    schema: { type: 'string', format: 'uuid' },
    description: 'A malformed UUID answers 400 naming `id`.',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiResponse({ status: 404, description: 'No such user.', content: PROBLEM })
  @ApiResponse({ status: 409, description: '`last_admin`.', content: PROBLEM })
  delete(@UuidParam() id: string): Promise<void> {
    return this.users.delete(id);
  }
}
