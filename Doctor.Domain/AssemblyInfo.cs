// Doctor.Domain: pure model. No I/O, no clock, no DI: time arrives in commands.
[assembly: System.CLSCompliant(false)]
