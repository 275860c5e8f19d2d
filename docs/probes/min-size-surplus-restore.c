/* Probe run on Linux 6.18.44-fc-v595 (x86_64, 2026-11-22) as root; the output is the source of
 * scenarios/golden/kernel-runs/k3-min-size-surplus-restore.json. Saves nothing: it assumes a pool
 * at 0/0 and sets it back to 0/0 at the end. Build: gcc -O1 -w -o probe min-size-surplus-restore.c */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#define HP (2UL<<20)
static void show(const char *what){char b[4096];int fd=open("/proc/meminfo",O_RDONLY);int n=read(fd,b,sizeof b-1);close(fd);b[n]=0;
 unsigned long long t=0,f=0,r=0,s=0;char*p;
 if((p=strstr(b,"HugePages_Total:")))sscanf(p+16,"%llu",&t); if((p=strstr(b,"HugePages_Free:")))sscanf(p+15,"%llu",&f);
 if((p=strstr(b,"HugePages_Rsvd:")))sscanf(p+15,"%llu",&r); if((p=strstr(b,"HugePages_Surp:")))sscanf(p+15,"%llu",&s);
 printf("%-40s T=%llu F=%llu R=%lld S=%llu\n",what,t,f,(long long)r,s);}
static void wr(const char*path,const char*v){int fd=open(path,O_WRONLY);if(fd<0){perror(path);exit(1);}write(fd,v,strlen(v));close(fd);}
int main(){
 wr("/proc/sys/vm/nr_overcommit_hugepages","2"); wr("/proc/sys/vm/nr_hugepages","0"); show("setup O=2 nr=0");
 mkdir("/tmp/k3/mnt",0755);
 if(mount("none","/tmp/k3/mnt","hugetlbfs",0,"min_size=2M")){perror("mount");return 1;} show("mount min_size=1hp");
 int fd=open("/tmp/k3/mnt/f",O_CREAT|O_RDWR,0600);
 char*a=mmap(0,HP,PROT_READ|PROT_WRITE,MAP_SHARED,fd,0); if(a==MAP_FAILED){perror("mmap");} else show("mmap shared 1");
 if(a!=MAP_FAILED){a[0]=1; show("write p0"); munmap(a,HP); show("munmap");}
 close(fd); unlink("/tmp/k3/mnt/f"); show("unlink (evict)");
 wr("/proc/sys/vm/nr_overcommit_hugepages","0"); show("overcommit 0");
 int fd2=open("/tmp/k3/mnt/g",O_CREAT|O_RDWR,0600);
 char*b=mmap(0,HP,PROT_READ|PROT_WRITE,MAP_SHARED,fd2,0); if(b==MAP_FAILED)perror("mmap g"); else show("mmap shared g 1");
 if(b!=MAP_FAILED){pid_t c=fork(); if(!c){b[0]=2;_exit(0);} int st; waitpid(c,&st,0);
  printf("child write g p0: %s\n", WIFSIGNALED(st)?(WTERMSIG(st)==7?"SIGBUS":"signal"):"ok"); show("after write g"); munmap(b,HP);}
 close(fd2); unlink("/tmp/k3/mnt/g"); show("unlink g");
 umount("/tmp/k3/mnt"); show("umount");
 wr("/proc/sys/vm/nr_hugepages","0"); wr("/proc/sys/vm/nr_overcommit_hugepages","0"); show("restored");
 return 0;}
