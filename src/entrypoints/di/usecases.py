"""Use cases: built per request (or per job) from the ports above."""

from __future__ import annotations

from dishka import Provider, Scope, provide, provide_all

from application.identity import services as identity
from application.identity.config import IdentityConfig
from application.identity.queries import IdentityQueries
from application.payments import callbacks, charges, outcomes, queries, reconcile, refunds, settlement
from application.shared.email import SendEmail, SendSms
from application.shared.outbox import RelayOutbox
from domain.identity.policies import TokenLifetimes


class UseCaseProvider(Provider):
    scope = Scope.REQUEST

    identity_use_cases = provide_all(
        identity.OneTimeCodes, identity.EmailRecipients, identity.SessionIssuer, identity.LoginJournal,
        identity.ChallengeTokens,
        identity.SecondFactor, identity.Authenticate, identity.RefreshTokens, identity.LogOut,
        identity.RegisterUser, identity.LogIn, identity.CompleteLogin, identity.ChangePassword,
        identity.RequestPasswordReset, identity.ResetPassword, identity.UpdateProfile,
        identity.SendEmailVerification, identity.ConfirmEmail, identity.SetUpTwoFactor, identity.ConfirmTwoFactor,
        identity.SocialLogin, identity.DisconnectSocialAccount, IdentityQueries,
    )
    payment_use_cases = provide_all(
        settlement.Settlement, charges.SubmitAttempt, charges.RefreshFromProvider, charges.InitiatePayment,
        charges.VerifyPayment, charges.CancelPayment, charges.RetryPayment, callbacks.HandleCallback,
        refunds.RequestRefund, refunds.DecideRefund, refunds.FinishRefund, refunds.ExecuteRefund,
        refunds.CompleteRefund, reconcile.ReconcilePayments, outcomes.DispatchPaymentOutcome,
        queries.PaymentQueries,
    )
    jobs = provide_all(SendEmail, SendSms, RelayOutbox)

    @provide(scope=Scope.APP)
    def lifetimes(self, config: IdentityConfig) -> TokenLifetimes:
        return config.lifetimes
