/* Real Cookie Banner's script is not shipped in the demo. */
