#!/usr/bin/python3
"""Smoke test of the generated Python client against a running CustomerHealth server with the demo portfolio.

Lists accounts, reads the worst health scores and the upcoming renewals (riskiest first), and exits non-zero on any
error or, once the wait is over, on any empty answer. While the demo portfolio is still being written the answers may
be empty, so it asks again until --wait seconds have passed. Run clients/python/generate first.

  clients/python/smoke.py --target http://127.0.0.1:5080 --token-file src/CustomerHealth.Server/data/dev-auth/token

It runs on Debian's python3-grpcio and python3-protobuf (hence /usr/bin/python3, not a virtual environment's).
"""
import argparse
import os
import sys
import time
from urllib.parse import urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "generated"))

import grpc  # noqa: E402
from customerhealth.v1 import account_service_pb2 as accounts  # noqa: E402
from customerhealth.v1 import account_service_pb2_grpc as accounts_grpc  # noqa: E402
from customerhealth.v1 import health_pb2, health_service_pb2 as health  # noqa: E402
from customerhealth.v1 import health_service_pb2_grpc as health_grpc  # noqa: E402
from customerhealth.v1 import renewal_service_pb2 as renewals  # noqa: E402
from customerhealth.v1 import renewal_service_pb2_grpc as renewals_grpc  # noqa: E402
from google.protobuf import text_format  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402


class SmokeFailure(Exception):
    pass


def connect(target, token):
    """A channel to http(s)://host:port with the bearer token on every call (TLS when https)."""
    url = urlparse(target if "://" in target else "http://" + target)
    address = f"{url.hostname}:{url.port or 5080}"
    if url.scheme == "https":
        credentials = grpc.composite_channel_credentials(
            grpc.ssl_channel_credentials(), grpc.access_token_call_credentials(token))
        return grpc.secure_channel(address, credentials), []
    return grpc.insecure_channel(address), [("authorization", f"Bearer {token}")]


def describe(error):
    """The status code, message and google.rpc.Status details of a failed call, on one line each."""
    lines = [f"{error.code().name}: {error.details()}"]
    for key, value in error.trailing_metadata() or ():
        if key != "grpc-status-details-bin":
            continue
        status = status_pb2.Status.FromString(value)
        for detail in status.details:
            for kind in (error_details_pb2.BadRequest, error_details_pb2.ErrorInfo, error_details_pb2.RetryInfo):
                if detail.Is(kind.DESCRIPTOR):
                    message = kind()
                    detail.Unpack(message)
                    lines.append(f"  {kind.DESCRIPTOR.name}: {text_format.MessageToString(message, as_one_line=True)}")
    return "\n".join(lines)


def until_answered(name, call, deadline):
    """Calls until the answer is not empty; UNAVAILABLE (still starting) is retried, any other error is fatal."""
    while True:
        try:
            answer, items = call()
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                raise SmokeFailure(f"{name} failed: {describe(error)}") from None
            answer, items = None, []
        if items:
            return answer
        if time.monotonic() > deadline:
            raise SmokeFailure(f"{name} answered nothing (is the demo portfolio seeded?)")
        time.sleep(1)


def money(value):
    return f"{value.units + value.nanos / 1e9:,.0f} {value.currency_code}"


def run(channel, metadata, wait):
    deadline = time.monotonic() + wait
    account_client = accounts_grpc.AccountServiceStub(channel)
    health_client = health_grpc.HealthServiceStub(channel)
    renewal_client = renewals_grpc.RenewalServiceStub(channel)

    def list_accounts():
        answer = account_client.ListAccounts(accounts.ListAccountsRequest(page_size=5), metadata=metadata, timeout=10)
        return answer, answer.accounts

    def worst_scores():
        request = health.ListHealthScoresRequest(order_by=health.HEALTH_SCORE_ORDER_SCORE, page_size=5)
        answer = health_client.ListHealthScores(request, metadata=metadata, timeout=10)
        return answer, [s for s in answer.scores if s.HasField("score")]

    def upcoming_renewals():
        request = renewals.ListUpcomingRenewalsRequest(order_by=renewals.UPCOMING_RENEWAL_ORDER_RISK, page_size=5)
        answer = renewal_client.ListUpcomingRenewals(request, metadata=metadata, timeout=10)
        return answer, answer.predictions

    page = until_answered("ListAccounts", list_accounts, deadline)
    print(f"accounts: {page.total_size} in all; first: {', '.join(a.account_id for a in page.accounts)}")

    scores = until_answered("ListHealthScores", worst_scores, deadline).scores
    known = [s.score for s in scores if s.HasField("score")]
    if known != sorted(known):
        raise SmokeFailure(f"ListHealthScores ordered by score is not lowest first: {known}")
    print("worst scores:")
    for s in scores:
        score = f"{s.score:5.1f}" if s.HasField("score") else "    ?"
        print(f"  {s.account_id:<24} {score}  {health_pb2.HealthBand.Name(s.band)}")

    predictions = until_answered("ListUpcomingRenewals", upcoming_renewals, deadline).predictions
    probabilities = [p.renewal_probability for p in predictions]
    if probabilities != sorted(probabilities) or not all(0 <= p <= 1 for p in probabilities):
        raise SmokeFailure(f"ListUpcomingRenewals by risk is not lowest probability first in [0, 1]: {probabilities}")
    print("riskiest upcoming renewals:")
    for p in predictions:
        date = f"{p.renewal_date.year:04}-{p.renewal_date.month:02}-{p.renewal_date.day:02}"
        print(f"  {p.contract_id:<24} {date}  p={p.renewal_probability:.2f}  ARR {money(p.arr)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="http://127.0.0.1:5080", help="the server's address")
    parser.add_argument("--token", default=os.environ.get("CUSTOMERHEALTH_TOKEN"), help="a bearer token")
    parser.add_argument("--token-file", help="a file holding the bearer token (the development token's file)")
    parser.add_argument("--wait", type=float, default=120, help="seconds to wait for non-empty answers")
    args = parser.parse_args()
    token = args.token
    if args.token_file:
        with open(args.token_file, encoding="utf-8") as file:
            token = file.read().strip()
    if not token:
        parser.error("give --token, --token-file or CUSTOMERHEALTH_TOKEN")
    channel, metadata = connect(args.target, token)
    try:
        with channel:
            run(channel, metadata, args.wait)
    except SmokeFailure as failure:
        print(f"python client smoke: FAILED: {failure}", file=sys.stderr)
        return 1
    print("python client smoke: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
