# Watchpoints (physical and linear, writes and reads) and catches (mode
# switches, a port, an interrupt vector, every interrupt).
watch phys 600 2
catch mode
c
c
c
watch w 400010 4
c
x 400010 4
catch io e9
c
catch int 30
c
watch r 6ff0 4
c
info break
delete all
catch int all
c
info break
