"""A small runbook of another team's, for the responder's flow: one guide with a live
check, two vendors (one the guide names, one it never mentions) and a contacts table with
a real number and a placeholder. Its `shop` and `mail` targets are pointed wherever a
test wants (KB_TARGET_SHOP_URL, KB_TARGET_MAIL_URL); unset, they point at a closed port on
this machine, so nothing ever leaves it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write

RUNBOOK = """\
# Acme Operations

## Issue: Checkout fails

**Symptoms:** customers cannot pay

**Solution:**
1. **Check:** `shop-ready` Ask the shop whether it is ready.
   - pass → resolved: the shop reports ready
   - fail → step 2
   - error → step 2
2. Look at Stripe's dashboard for failed charges, and at https://status.stripe.com.
   - Stripe shows an outage → escalate to Stripe
   - Nothing there → step 3
3. Restart the checkout service.
   - It works again → resolved: restarted
   - Still failing → escalate

## Emergency Contacts

### Technical Emergency

| Role | Name | Phone | Email |
|------|------|-------|-------|
| On-Call | Ana Mbah | 6 71 23 45 67 | oncall@acme.example.com |
| Lead Developer | [TBD] | +237XXXXXXXXX | lead@acme.example.com |

### External Services

| Service | Support URL | Notes |
|---------|-------------|-------|
| Stripe | https://support.stripe.com | Payments |
| Mailgun | https://help.mailgun.com | Email |
"""

PROBES = """\
targets:
  shop:
    url: http://127.0.0.1:9
  mail:
    url: http://127.0.0.1:9
probes:
  shop-ready:
    title: Shop is ready (GET /health/ready)
    target: shop
    path: /health/ready
    timeout: {timeout}
    conditions:
      status: "[STATUS] == 200"
  shop-up:
    title: Shop is up (GET /health)
    target: shop
    path: /health
    timeout: {timeout}
    conditions:
      status: "[STATUS] == 200"
  mail-up:
    title: Mail relay is up (GET /health)
    target: mail
    path: /health
    timeout: {timeout}
    conditions:
      status: "[STATUS] == 200"
"""

TREE = "acme/issue-checkout-fails"


def write_acme(folder: Path, timeout: float = 2) -> Path:
    write(folder, "acme.md", RUNBOOK)
    write(folder, "probes.yaml", PROBES.format(timeout=timeout))
    return folder
