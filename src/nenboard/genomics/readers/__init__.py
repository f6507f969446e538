"""Readers of sequencing outputs into per-sample `Observed` alterations.

Every reader fails on a bad file with an `InputError` naming the file, the line
and the problem (missing columns, wrong field count, truncated record, no data).
"""

from nenboard.genomics.readers.clinical import SampleInfo, read_clinical
from nenboard.genomics.readers.cna import read_cna_table, read_seg
from nenboard.genomics.readers.maf import read_maf
from nenboard.genomics.readers.status import read_status_table
from nenboard.genomics.readers.sv import read_sv
from nenboard.genomics.readers.vcf import read_vcf

__all__ = ["SampleInfo", "read_clinical", "read_cna_table", "read_maf", "read_seg",
           "read_status_table", "read_sv", "read_vcf"]
