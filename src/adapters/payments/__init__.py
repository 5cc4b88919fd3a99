"""Payment gateways on httpx: MTN MoMo, Orange Money WebPay, Moov Money through FedaPay, Stripe Checkout."""
