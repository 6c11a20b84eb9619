"""fastmonet: least-cost CO2 removal (AR, BECCS, DACCS) for the Paris 1.5 C targets."""

__version__ = "0.1.0"
