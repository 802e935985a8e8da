"""好差评: five-level ratings, follow-up of bad ones, and appeals against malicious ones."""
