import { ConflictError } from '../common/problem';

export class EmailTakenError extends ConflictError {
  constructor() {
    super('email_taken', 'A user with this email already exists.');
  }
}

export class LastAdminError extends ConflictError {
  constructor() {
    super('last_admin', 'This is the last active administrator; promote or enable another one first.');
  }
}
