from api.models.idempotency import IdempotentRequest
from api.models.tokens import ApiToken

__all__ = ["ApiToken", "IdempotentRequest"]
