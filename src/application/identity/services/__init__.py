"""Identity use cases, one class per verb."""

from application.identity.services.codes import OneTimeCodes
from application.identity.services.login import CompleteLogin, LogIn, LogInCommand, LoginJournal, SecondStepCommand
from application.identity.services.passwords import (
    ChangePassword,
    ChangePasswordCommand,
    RequestPasswordReset,
    ResetPassword,
    ResetPasswordCommand,
)
from application.identity.services.profile import ConfirmEmail, ProfileChanges, SendEmailVerification, UpdateProfile
from application.identity.services.recipients import EmailRecipients
from application.identity.services.registration import RegisterCommand, RegisterUser
from application.identity.services.sessions import (
    Authenticate,
    IssuedTokens,
    LogOut,
    Principal,
    RefreshTokens,
    SessionIssuer,
)
from application.identity.services.social import DisconnectSocialAccount, SocialLogin, SocialLoginCommand
from application.identity.services.two_factor import (
    ChallengeTokens,
    ConfirmTwoFactor,
    SecondFactor,
    SetUpTwoFactor,
    TwoFactorChallenge,
    TwoFactorSetup,
)

__all__ = [
    "Authenticate", "ChallengeTokens", "ChangePassword", "ChangePasswordCommand", "CompleteLogin",
    "ConfirmEmail", "ConfirmTwoFactor", "DisconnectSocialAccount", "EmailRecipients", "IssuedTokens", "LogIn",
    "LogInCommand",
    "LogOut", "LoginJournal", "OneTimeCodes", "Principal", "ProfileChanges", "RefreshTokens", "RegisterCommand",
    "RegisterUser", "RequestPasswordReset", "ResetPassword", "ResetPasswordCommand", "SecondFactor",
    "SecondStepCommand", "SendEmailVerification", "SessionIssuer", "SetUpTwoFactor", "SocialLogin",
    "SocialLoginCommand", "TwoFactorChallenge", "TwoFactorSetup", "UpdateProfile",
]
