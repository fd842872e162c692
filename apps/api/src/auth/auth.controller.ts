import { Body, Controller, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiSecurity,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { AuthTokensDto, ChangePasswordDto, LoginDto, MeDto, RefreshTokenDto } from '@zer08/contracts';
import { AuthUser, CurrentUser, Public } from './auth-user';
import { AuthService } from './auth.service';
import { LoginThrottlerGuard } from './login-throttler.guard';

const PROBLEM = { 'application/problem+json': { schema: { type: 'object' } } };

const TOKENS_EXAMPLE = {
  accessToken: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.signature',
  refreshToken: 'q3Rk8Yd2m1vJ0bS9cXwLh7uPz4aNfE6tGiKoV5yBr0s',
  expiresIn: 900,
  tokenType: 'Bearer',
  user: { id: '5f0c9a52-2f4c-4b8e-9a55-7c1d1f8e2b10', email: 'admin@zer08.local', role: 'admin' },
};

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @ApiSecurity({})
  @UseGuards(LoginThrottlerGuard)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Log in with email and password',
    description:
      'Answers an access token (JWT, 15 minutes) and a rotating refresh token (14 days). Limited to 10 attempts a minute per client IP and email.',
  })
  @ApiBody({
    type: LoginDto,
    examples: { admin: { value: { email: 'admin@zer08.local', password: 'correct horse battery staple' } } },
  })
  @ApiOkResponse({ schema: { $ref: getSchemaPath('AuthTokensDto'), example: TOKENS_EXAMPLE } })
  @ApiResponse({ status: 400, description: 'Invalid body; `errors` names the field.', content: PROBLEM })
  @ApiResponse({
    status: 401,
    description: '`invalid_credentials`: unknown email, wrong password or disabled account.',
    content: PROBLEM,
  })
  @ApiResponse({ status: 429, description: '`rate_limited`; see `Retry-After`.', content: PROBLEM })
  login(@Body() body: LoginDto): Promise<AuthTokensDto> {
    return this.auth.login(body.email, body.password);
  }

  @Post('refresh')
  @Public()
  @ApiSecurity({})
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new token pair',
    description:
      'The presented refresh token is spent. Presenting a spent token again revokes its whole family (theft detection).',
  })
  @ApiBody({ type: RefreshTokenDto })
  @ApiOkResponse({ schema: { $ref: getSchemaPath('AuthTokensDto'), example: TOKENS_EXAMPLE } })
  @ApiResponse({ status: 400, description: 'Invalid body; `errors` names the field.', content: PROBLEM })
  @ApiResponse({ status: 401, description: '`invalid_refresh_token` or `refresh_token_reused`.', content: PROBLEM })
  refresh(@Body() body: RefreshTokenDto): Promise<AuthTokensDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @Public()
  @ApiSecurity({})
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Log out one session: revokes the refresh token and its family (idempotent)' })
  @ApiBody({ type: RefreshTokenDto })
  @ApiNoContentResponse({ description: 'Revoked (or already unknown).' })
  logout(@Body() body: RefreshTokenDto): Promise<void> {
    return this.auth.logout(body.refreshToken);
  }

  @Post('logout-all')
  @ApiBearerAuth('bearer')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Log out everywhere: revokes every refresh token and every access token issued so far' })
  @ApiNoContentResponse({ description: 'Every session ended.' })
  @ApiResponse({ status: 401, description: 'Missing, invalid, expired or revoked access token.', content: PROBLEM })
  logoutEverywhere(@CurrentUser() user: AuthUser): Promise<void> {
    return this.auth.logoutEverywhere(user.id);
  }

  @Get('me')
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'Who the access token belongs to' })
  @ApiOkResponse({ schema: { $ref: getSchemaPath('MeDto') } })
  @ApiResponse({ status: 401, description: 'Missing, invalid, expired or revoked access token.', content: PROBLEM })
  me(@CurrentUser() user: AuthUser): Promise<MeDto> {
    return this.auth.me(user.id);
  }

  @Post('password')
  @ApiBearerAuth('bearer')
  @UseGuards(LoginThrottlerGuard)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Change your own password',
    description:
      'Access tokens issued so far stop working and other sessions are logged out; this session keeps its refresh token, so refresh to continue. ' +
      'A wrong `currentPassword` answers 400 naming that field.',
  })
  @ApiBody({ type: ChangePasswordDto })
  @ApiNoContentResponse({ description: 'Changed.' })
  @ApiResponse({ status: 401, description: 'Missing, invalid, expired or revoked access token.', content: PROBLEM })
  @ApiResponse({ status: 400, description: 'Invalid body or wrong `currentPassword`.', content: PROBLEM })
  @ApiResponse({ status: 429, description: '`rate_limited`; see `Retry-After`.', content: PROBLEM })
  changePassword(@CurrentUser() user: AuthUser, @Body() body: ChangePasswordDto): Promise<void> {
    return this.auth.changePassword(user, body.currentPassword, body.newPassword);
  }
}
