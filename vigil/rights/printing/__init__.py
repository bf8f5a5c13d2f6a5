"""Printable know-your-rights material: the wallet card (one card, or a sheet of eight for duplex
printing), and the one-page flyer, as PDF.

Pure Python over fpdf2 (layout and PDF writing), uharfbuzz (shaping, through fpdf2), fontTools (coverage)
and segno (QR codes); nothing here imports Django, so a command renders files ahead of any request and the
tests check the output without a server. What a card says comes from the rights library (`CardContent`);
this package only places it.
"""
